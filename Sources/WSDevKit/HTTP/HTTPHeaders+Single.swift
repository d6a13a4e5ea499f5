import NIOHTTP1
import WSWire

extension HTTPHeaders {
    /// The value of a field that must appear once: `.one` only when it does.
    enum Single {
        case none, one(String), many
    }

    func single(_ lowerName: StaticString) -> Single {
        var found = Single.none
        for (name, value) in self where ASCIICase.equals(name, lowerName) {
            guard case .none = found else { return .many }
            found = .one(value)
        }
        return found
    }
}
