"""Evaluation: metrics as pure functions over gold labels and predicted scores; reports rendered separately."""
