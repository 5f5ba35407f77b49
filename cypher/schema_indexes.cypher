// The names of the indexes in the database (constraints own an index of the same name).
SHOW INDEXES YIELD name
RETURN collect(name) AS names
