"""The job board: postings in (API, feeds), applications scored against them, candidates ranked,
batches of resumes, and signed webhooks out.

``runtime.py`` runs the background threads (webhook dispatcher, batch runner, retention purge)
and the worker tasks; ``schemas.py`` the request and response shapes; ``importers.py`` reads
Greenhouse, Lever, Ashby and JSON-LD feeds; ``webhooks.py`` signs and delivers events from the
transactional ``outbox.py``; ``urlguard.py`` refuses private and loopback targets; ``routes/``
holds the HTTP routes.
"""
