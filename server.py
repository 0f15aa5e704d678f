"""Serve the app: `python -m streamlit run server.py` (`make run`, and in production).

Around app.py this adds what a page script cannot do (ui/web.py): refuse to start with a bad
setting or a weak cookie key, set the sign-in cookie HttpOnly from the server, send the security
headers, and make the first load after a restart clean. `streamlit run app.py` still works for
development, without those.
"""

import streamlit as st
from starlette.middleware import Middleware

from ui import web

web.refuse_to_start_if_misconfigured()
app = st.App("app.py", lifespan=web.lifespan, routes=web.ROUTES, middleware=[Middleware(web.SecurityHeaders)],
             on_script_error=web.on_script_error)
