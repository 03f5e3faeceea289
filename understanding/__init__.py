"""Understanding what people write: which measures a question is about, before any dialogue decides."""
