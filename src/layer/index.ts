// Public surface of layer: layers built from file trees and tar entries.
export * from './from-entries.ts';
