"""Clinical domain logic (pure, no I/O): rating scales, and the clinical rules built on data.

Every clinical threshold, dose or scale rule lives in data with a ``source`` citing a tag of the
bibliography (:mod:`cdcare.clinical.sources`) and a ``verified`` flag (False for unconfirmed [U]
facts, or facts resting only on a secondary source).
"""
