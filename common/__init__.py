"""Values every part of Msaidizi defines the same way: time zone, UTC columns, phones, formats.

Pure Python with Babel and phonenumbers; only `common.sqltypes` imports SQLAlchemy. Nothing
here imports the assistant, the backend or escalation (tests/test_architecture.py says so).
"""
