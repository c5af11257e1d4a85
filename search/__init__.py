"""Finding precedents: embedding, indexes, hybrid ranking and explanations."""
