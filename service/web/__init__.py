"""Pages for people, served by the same app: ``/`` (upload a resume, see why it fits).

The page's parse and match run in the WorkerPool like ``POST /v1/match`` (same slot, time and
memory limits); the worker also renders the result page (``service/web/render.py``), so the
event loop only moves bytes. Templates, CSS and JavaScript ship in the package: nothing is loaded
from a CDN and nothing is stored.
"""
