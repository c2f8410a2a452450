"""Student toolkit: helpers students may import. Contains no solutions of graded functions."""
