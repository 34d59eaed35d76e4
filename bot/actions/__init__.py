"""Rasa custom actions (rasa-sdk) that answer with the same handlers as every other channel.

`msaidizi actions` serves them; `bot.actions.server.ACTIONS` lists them. This is the only
package that imports rasa_sdk. See docs/rasa.md.
"""
