"""The channel-independent conversation core."""
