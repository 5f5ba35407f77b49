// One batch of a staged import's assertions, numbered already (reserve_seqs), and their links
// (fragments/links.cypher): an assertion and the one it supersedes are linked by whichever
// is written second.
UNWIND $rows AS row
CREATE (a:Assertion)
SET a = row
WITH a
{{ links() }}
