"""The Neo4j store's Cypher files, one query a file, and the fragments they share (fragments/).

Installed as the package graphsvc.cypher (pyproject.toml maps this folder there), so a wheel
carries them; graphsvc/store/neo4j/queries.py loads them with importlib.resources."""
