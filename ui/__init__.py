"""Streamlit glue shared by app.py and pages: language, the signed-in user, sessions. No domain rules."""
