package knowledge

// validate records every problem of a decoded knowledge base.
func (l *loader) validate(kb *KB) {
	// TODO(validation): the checks of issue 2 are being written.
}
