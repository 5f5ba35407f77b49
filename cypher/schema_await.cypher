// Wait (up to 300 s) for new indexes to come online.
CALL db.awaitIndexes(300)
