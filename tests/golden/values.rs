// Generated once from the current implementation; see golden.rs.
const GOLDEN_EXACT: [(usize, u128); 12] = [
    (0, 0x99aa06d3014798d86001c324468d497f),
    (1, 0xcb358fcee0dfde56fb95a7322f5da314),
    (3, 0x619f3adfadb1afb62b3231f6c00a91b6),
    (4, 0x06642045fd2d3a08fc7c094a44838fce),
    (16, 0x6fa93a4a90f4105594ebd98c650cbac1),
    (17, 0xb403d020c31d0aa13373b54ebb070589),
    (128, 0xf186425de2195313f06a61c44f8912e0),
    (129, 0xaa206dba29b70299bb951c3c7ed2e2a5),
    (240, 0x25d6008ed0973501ba02caaf05228faa),
    (241, 0x260478639f1dc94977e21588e096cc32),
    (1024, 0xfdddfbccebaed0fc357ab92ab22c47a3),
    (1025, 0xcb6f6e20092fc63d662552e70b1ef306),
];
const GOLDEN_DIGEST_EXACT: u128 = 0xc789854cccbb07b03b476db85cc8d4f7;
const GOLDEN_DIGEST_WHITESPACE: u128 = 0x5b7da5e98c7b49fd20d76bf677b43715;
const GOLDEN_DIGEST_LOOSE: u128 = 0x2f9da4a5fe921965311cb1b51388e8cb;
const GOLDEN_WS_64: &str = "2Ax 1 zc cQ c2 A. A z.b zc ,. Qb1 ,1xAcb , xQA, cx.Abz11cz2";
const GOLDEN_LOOSE_64: &str = "0ax 0 zc cq c0 a a zb zc qb0 0xacb xqa cxabz00cz0";
