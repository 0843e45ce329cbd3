"""The head office's PostgreSQL: its schema and migrations, the lane's push and pull, and the
reports run there. SQL for PostgreSQL lives here, as SQLite's lives in ``pos_tui.storage``."""
