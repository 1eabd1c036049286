"""Documents to tags: features, the multilabel passage model, document aggregation, model artifacts."""
