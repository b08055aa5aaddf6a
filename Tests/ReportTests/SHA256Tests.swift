import XCTest
@testable import Report

/// The input checksum against the FIPS 180-4 example vectors, fed whole and in uneven pieces.
final class SHA256Tests: XCTestCase {
    func testFIPSVectors() {
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // One million "a", in pieces of 1, 7, 4096 and 65535 bytes.
        let hasher = SHA256()
        var fed = 0
        let sizes = [1, 7, 4096, 65_535]
        var k = 0
        while fed < 1_000_000 {
            let size = min(sizes[k % sizes.count], 1_000_000 - fed)
            [UInt8](repeating: UInt8(ascii: "a"), count: size).withUnsafeBytes { hasher.update($0) }
            fed += size
            k += 1
        }
        XCTAssertEqual(hasher.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
