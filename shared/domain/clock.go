package domain

import (
	"sync"
	"time"
)

// Shanghai is the zone of every legal date. China has kept UTC+8 without daylight saving since
// 1991, so a fixed zone is exact and needs no tzdata in the Lambda image.
var Shanghai = time.FixedZone("Asia/Shanghai", 8*60*60)

// Clock is injected everywhere; no rule reads the system time.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real time, in Shanghai.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now().In(Shanghai) }

// SettableClock is the local runner's clock: real time by default, moved to stand at a deadline
// (dev mode, tests), and optionally frozen so that a scenario sees exactly the instant it set.
type SettableClock struct {
	mu     sync.RWMutex
	offset time.Duration
	frozen time.Time
}

// Set moves the clock to t. A frozen clock stays at t; a running one runs on from it.
func (c *SettableClock) Set(t time.Time, frozen bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = time.Time{}
	if frozen {
		c.frozen = t
		return
	}
	c.offset = time.Until(t)
}

// Frozen tells whether the clock stands still.
func (c *SettableClock) Frozen() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return !c.frozen.IsZero()
}

func (c *SettableClock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.frozen.IsZero() {
		return c.frozen.In(Shanghai)
	}
	return time.Now().Add(c.offset).In(Shanghai)
}
