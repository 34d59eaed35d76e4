"""The intent dialogs run against the backend double (tests/bot/conftest.py): `chat`, `backend`;
a few end-to-end dialogs use `live_chat` and `live_backend` over real HTTP."""
