"""Storage: patients, sessions and their videos (:mod:`.sessions`), clinic accounts and the audit log (:mod:`.clinic`).

``formcheck.store`` re-exports the session store's public names, so
``from formcheck.store import Store`` reads as before.
"""

from formcheck.store.sessions import *  # noqa: F401,F403
from formcheck.store.sessions import (Base, Recording, Store, StoreError, database_failure, database_url,  # noqa: F401
                                      db_failure)
