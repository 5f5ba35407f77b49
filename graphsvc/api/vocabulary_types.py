"""GraphQL types for the controlled vocabulary (presentation.py builds them from
vocabulary.as_dict, the content of schema/vocabulary.json, in its order): what a client needs
to build forms and legends."""

from __future__ import annotations

import strawberry


@strawberry.type(description="A term of the vocabulary with its plain-language definition.")
class Term:
    name: str = strawberry.field(description="The term, as recorded and as given in arguments.")
    definition: str = strawberry.field(description="What it means, in plain language.")


@strawberry.type(description="A kind of entity.")
class EntityKindTerm(Term):
    category: str = strawberry.field(description="Its category: person, agency, context, object or event.")


@strawberry.type(description="A predicate: what an assertion says of its subject.")
class PredicateTerm(Term):
    subjects: list[str] = strawberry.field(description="The entity kinds it may be said of.")
    functional: bool = strawberry.field(description="Whether it holds one value at a time (a different one contradicts it).")


@strawberry.type(description="A kind of link between two entities (a predicate whose object is an entity).")
class LinkTerm(PredicateTerm):
    objects: list[str] = strawberry.field(description="The entity kinds it may link to.")
    roles: list[str] = strawberry.field(description="The roles that may qualify it (e.g. victim, sibling); empty when it takes none.")
    symmetric: bool = strawberry.field(description="Whether it means the same read either way (A with B is B with A).")


@strawberry.type(description="A kind of attribute (a predicate whose object is a value).")
class AttributeTerm(PredicateTerm):
    value_type: str = strawberry.field(description="The type of its values: text, date, datetime, bool or enum.")
    choices: list[str] = strawberry.field(description="The values allowed, for an enum; empty otherwise.")


@strawberry.type(description="The controlled vocabulary: every kind of entity, link and attribute, and the provenance and sharing terms, each with its plain-language definition (schema/vocabulary.json).")
class Vocabulary:
    entity_kinds: list[EntityKindTerm] = strawberry.field(description="The kinds of entity.")
    links: list[LinkTerm] = strawberry.field(description="The kinds of link, with the kinds each may join.")
    attributes: list[AttributeTerm] = strawberry.field(description="The kinds of attribute, with the kinds each may describe and its values.")
    methods: list[Term] = strawberry.field(description="How information was obtained (an assertion's method).")
    epistemic_statuses: list[Term] = strawberry.field(description="Fact, opinion, allegation or professional judgement (an assertion's status).")
    source_reliability: list[Term] = strawberry.field(description="Source evaluation of the 3x5x2 grading.")
    information_confidence: list[Term] = strawberry.field(description="Intelligence assessment of the 3x5x2 grading.")
    handling_conditions: list[Term] = strawberry.field(description="Conditions on onward sharing (an assertion's or a share's handling).")
    lawful_bases: list[Term] = strawberry.field(description="Lawful bases for sharing (a sharing decision's lawfulBasis).")
    consent: list[Term] = strawberry.field(description="Where consent to share stands (a sharing decision's consent).")
    acknowledgement_actions: list[Term] = strawberry.field(description="What a recipient did about a share (an acknowledgement's action).")
    involvement_roles: list[str] = strawberry.field(description="The roles a person may have in an event (involved_in).")
    family_roles: list[str] = strawberry.field(description="How a person relates to a relative (family_member_of).")
