"""Storage: patients, sessions and their videos (:mod:`.sessions`), clinic accounts and the audit log (:mod:`.clinic`).

``formcheck.store`` re-exports the session store's public names, so
``from formcheck.store import Store`` reads as before.
"""

from formcheck.store.sessions import (Base, Patient, Recording, Store, StoreError, database_failure, database_url,
                                      db_failure)

__all__ = ["Base", "Patient", "Recording", "Store", "StoreError", "database_failure", "database_url", "db_failure"]
