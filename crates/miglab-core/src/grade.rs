//! Grading: schema predictions, values, multiple choice, orderings and confidence calibration.
