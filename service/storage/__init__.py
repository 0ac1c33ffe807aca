"""Job-board storage: SQLAlchemy models (``models``) and the reads/writes over them
(``repositories``). Migrations: ``service/migrations/versions/0002_jobboard.py``."""
