package changes

// SetMaxScan lets a test bound a read's scan at a size it can fill quickly.
func SetMaxScan(n int) (restore func()) {
	old := maxScan
	maxScan = n
	return func() { maxScan = old }
}
