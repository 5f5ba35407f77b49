// After a batch's nodes exist (append_assertions): their links (fragments/links.cypher).
UNWIND $ids AS id
MATCH (a:Assertion {id: id})
{{ links() }}
