"""Job postings: the same stages as a resume, plus what a posting asks for.

``read.py`` turns text, HTML or JSON-LD into a title and text and a ``Document``; the pipeline
extracts and normalizes its skills like a resume's; ``requirements.py`` sorts them into required
/ preferred / mentioned and reads years and degrees; ``spec.py`` makes the posting an ad-hoc role
for scoring and finds its nearest taxonomy roles.
"""
