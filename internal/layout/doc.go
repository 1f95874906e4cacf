// Package layout holds no code: its test enforces the import rules of the
// README's "Layout" section on every package of the module, from
// `go list`.
package layout
