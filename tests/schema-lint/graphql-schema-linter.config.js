// graphql-schema-linter's default rules (every built-in one) except the four ordering rules.
//
// Why no ordering rules: schema/schema.graphql is printed from the strawberry classes, whose
// fields are in reading order (an id first, a list beside its count, a page's items before its
// pageInfo), as are enum values and input fields. Sorting them alphabetically would only make
// the schema harder to read; it finds no mistake.
const fs = require("fs");
const path = require("path");

const ORDERING = [
  "type-fields-sorted-alphabetically",
  "interface-fields-sorted-alphabetically",
  "input-object-fields-sorted-alphabetically",
  "enum-values-sorted-alphabetically",
];
const BUILT_IN = path.join(path.dirname(require.resolve("graphql-schema-linter/package.json")), "lib", "rules");

module.exports = {
  rules: fs.readdirSync(BUILT_IN)
    .filter((file) => file.endsWith(".js"))
    .map((file) => file.slice(0, -3).replace(/_/g, "-"))
    .filter((rule) => !ORDERING.includes(rule)),
};
