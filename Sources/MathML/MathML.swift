// MathML
