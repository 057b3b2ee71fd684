// The strict check: every tag of a template against the variables its kind of rule declares.
import Foundation
import MusterCore

extension TemplateSet {
    /// Checks `template` as a rule of `kind` would send it, and returns every problem found, e.g.
    /// `templates/welcome-1.mustache:4: unknown variable 'member.frist_name'`.
    ///
    /// Checks the front matter, Mustache syntax, each variable and section against the declared context
    /// (inside a section over a list, the item's fields are in scope), each partial (and the partial's own
    /// tags), then renders against sample data for the kind (`sample`, else `RenderInput.sample(for:)`) and
    /// against a sparse member (no workplace, rep or last name): the subject must not be empty.
    ///
    /// A missing template is reported at `referencedIn`:`line` when given (the schedule that names it).
    public func check(
        template name: String, kind: ContextKind, referencedIn: String? = nil, line: Int? = nil,
        sample: RenderInput? = nil
    ) -> [InputError] {
        guard let source = sources[name] else {
            return [InputError(file: referencedIn ?? displayPath, line: referencedIn == nil ? nil : line, missingMessage(name))]
        }
        var errors = source.problems
        var checker = TagChecker(set: self, kind: kind)
        if let subject = source.subject {
            checker.check(subject, file: source.file, firstLine: source.subjectLine, html: false)
        }
        checker.check(source.body, file: source.file, firstLine: source.bodyLine, html: false)
        if let html = source.html, let hf = source.htmlFile {
            checker.check(html, file: hf, firstLine: 1, html: true)
        }
        errors += checker.errors
        errors += structureErrors[name] ?? []
        // swift-mustache's own parser may refuse what the scan let through; report it when the scan was clean.
        for f in [source.file, source.htmlFile].compactMap({ $0 }) + checker.partialFiles.sorted() {
            if let e = compileErrors[f], !checker.syntaxProblemFiles.contains(f) { errors.append(e) }
        }
        guard errors.isEmpty else { return Self.unique(errors) }

        let full = sample ?? RenderInput.sample(for: kind)
        let sparse = RenderInput.sparseSample(for: kind, organisation: full.organisation)
        for (input, what) in [(full, "against the sample data"), (sparse, "for a member with no workplace, rep or last name")] {
            do {
                _ = try render(template: name, input: input)
            } catch let e as InputError where e.message == "the subject renders empty" {
                errors.append(InputError(file: e.file, line: e.line, "the subject renders empty \(what)"))
                break
            } catch let e as InputError {
                errors.append(e)
                break
            } catch {
                errors.append(InputError(file: source.file, line: nil, "cannot render: \(error)"))
                break
            }
        }
        return Self.unique(errors)
    }

    /// Checks every template in the directory for one kind: for tools and tests.
    public func checkAll(kind: ContextKind) -> [InputError] {
        names.flatMap { check(template: $0, kind: kind) }
    }

    static func unique(_ errors: [InputError]) -> [InputError] {
        var seen = Set<String>()
        return errors.filter { seen.insert($0.description).inserted }
    }
}
