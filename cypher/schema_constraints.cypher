// The names of the constraints in the database.
SHOW CONSTRAINTS YIELD name
RETURN collect(name) AS names
