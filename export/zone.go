package export

import "time"

// Times the rapporteur reads are in the forum's time zone (Forms.Location),
// each labelled with it, as in "Submitted at (Asia/Tbilisi)": she presents
// in that zone. The raw data keeps UTC (submitted_at_utc), so that scripts
// read one zone whatever the forum.

// location is the forum's time zone, UTC when the forms name none.
func (wb *Workbook) location() *time.Location {
	if wb.forms.Location == nil {
		return time.UTC
	}
	return wb.forms.Location
}

// zone names the forum's time zone in a header: "UTC", or its IANA name
// (its abbreviation, such as "+04", is often no name at all).
func (wb *Workbook) zone() string { return wb.location().String() }

// localTime is t as an Excel date serial number of the forum's wall clock:
// Excel dates have no zone, so the cell shows what the header's zone says.
func (wb *Workbook) localTime(t time.Time) float64 {
	l := t.In(wb.location())
	return excelTime(time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC))
}

// clock is t as text to the minute in the forum's time zone, without the
// zone: the header or sentence around it names it.
func (wb *Workbook) clock(t time.Time) string {
	return t.In(wb.location()).Format("2006-01-02 15:04")
}
