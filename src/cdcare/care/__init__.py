"""Care records: patients, visits, assessments (service functions over the store)."""
