//! Statement analysis: every SQL statement becomes a fact about the object it touches, the kind of change and its inverse.
