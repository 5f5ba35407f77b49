"""Candidate same-person matches between agency records of people, with Splink (issue 36, item 3).

people: the records as rows; names: nicknames and phonetic keys; model: the Splink settings,
training and the saved model; priors: m values for what EM cannot learn; candidates: scored
pairs as import records; run: what `graphsvc resolve` does.
"""
