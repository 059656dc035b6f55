/**
 * Stands in for fhirclient's `isomorphic-webcrypto` fallback: every browser this app supports has Web Crypto (PKCE
 * needs `crypto.subtle`, which browsers give to secure contexts: https, or http on localhost).
 */
export default globalThis.crypto;
