"""prototype"""
from contextlib import asynccontextmanager
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

@asynccontextmanager
async def lifespan(app):
    PagesManager.uses_pages_directory = False
    yield {}

app = st.App("app.py", lifespan=lifespan)
