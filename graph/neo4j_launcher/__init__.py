"""Data only: pom.xml (fetches the Neo4j 5.26 jars) and Launcher.java (the embedded engine).

Used by graph/local_neo4j.py; kept as a package so the files ship with the project."""
