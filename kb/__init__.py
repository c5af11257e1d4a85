"""Casusbank Leerplicht: the knowledge base core (model, storage, vocabulary, CLI)."""
