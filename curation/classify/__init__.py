"""Model-based classification: turning student probabilities into scores, and deciding."""
