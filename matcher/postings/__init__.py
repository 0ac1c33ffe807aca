"""Job postings: the same stages as a resume, plus what a posting asks for.

``job.py`` runs a posting through them in order (``parse_posting``) and scores a resume against
it (``job_fit``): ``read.py`` turns text, HTML or JSON-LD into a title and text and a
``Document``; its skills are extracted and normalized like a resume's; ``requirements.py``
sorts them into required / preferred / mentioned and reads years and degrees; ``spec.py`` makes
the posting an ad-hoc role for scoring and finds its nearest taxonomy roles.
"""
