/// Tables of the TeX commands the converter knows.
enum Symbols {
    static let greek: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
        "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
        "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ",
        "chi": "χ", "psi": "ψ", "omega": "ω",
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
        "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    ]

    /// Operators and relations: command → character.
    static let operators: [String: String] = [
        "propto": "∝", "sim": "∼", "in": "∈", "notin": "∉", "mid": "∣", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
        "ne": "≠", "neq": "≠", "approx": "≈", "equiv": "≡", "to": "→", "rightarrow": "→", "leftarrow": "←",
        "Rightarrow": "⇒", "iff": "⟺", "implies": "⟹", "cdot": "⋅", "times": "×", "pm": "±", "mp": "∓",
        "ldots": "…", "cdots": "⋯", "dots": "…", "vdots": "⋮", "partial": "∂", "nabla": "∇", "infty": "∞",
        "lt": "<", "gt": ">", "ll": "≪", "gg": "≫", "subset": "⊂", "cup": "∪", "cap": "∩", "forall": "∀",
        "exists": "∃", "prime": "′", "lvert": "|", "rvert": "|", "vert": "|", "langle": "⟨", "rangle": "⟩",
        "mapsto": "↦", "star": "⋆", "circ": "∘", "setminus": "∖", "top": "⊤",
    ]

    /// Large operators, whose limits go under and over in display style.
    static let largeOperators: [String: String] = ["sum": "∑", "prod": "∏", "int": "∫", "bigcup": "⋃", "bigcap": "⋂"]

    /// Function names set upright.
    static let functions: Set<String> = ["log", "ln", "exp", "sin", "cos", "tan", "det", "dim", "var", "Var", "Cov",
                                         "tr", "sgn", "logit", "softplus"]
    /// Function names that take limits under them in display style.
    static let limitFunctions: Set<String> = ["max", "min", "sup", "inf", "lim", "argmax", "argmin"]

    static let accents: [String: String] = ["hat": "^", "widehat": "^", "bar": "¯", "overline": "¯", "tilde": "~",
                                            "widetilde": "~", "dot": "˙", "ddot": "¨", "vec": "→"]

    static let spaces: [String: String] = [",": "0.1667em", ":": "0.2222em", ";": "0.2778em", " ": "0.25em",
                                           "quad": "1em", "qquad": "2em", "!": "-0.1667em"]

    /// `\mathcal` and `\mathbb` letters as Unicode mathematical alphanumerics (MathML Core has
    /// no `mathvariant` for them). Letters with an older code point in Letterlike Symbols use it.
    static func styled(_ letter: Character, _ style: String) -> String? {
        guard let ascii = letter.asciiValue, letter.isUppercase || (style == "mathbb" && letter.isNumber) else { return nil }
        // Digits (mathbb only) sit below "A": the letter offset is taken for letters alone.
        let offset = ascii >= 65 ? UInt32(ascii - 65) : 0
        switch style {
        case "mathcal":
            let special: [Character: String] = ["B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ"]
            return special[letter] ?? String(Unicode.Scalar(0x1D49C + offset)!)
        case "mathbb":
            if letter.isNumber { return String(Unicode.Scalar(0x1D7D8 + UInt32(ascii - 48))!) }
            let special: [Character: String] = ["C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"]
            return special[letter] ?? String(Unicode.Scalar(0x1D538 + offset)!)
        default:
            return nil
        }
    }
}
