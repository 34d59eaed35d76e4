"""Msaidizi: the chat assistant (conversation core, intents, channels)."""
