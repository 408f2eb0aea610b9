package handlers

import (
	"net/url"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

// sortKeys are the orders a list offers, in the order of the menu.
var sortKeys = []struct {
	key   imapproxy.SortKey
	label string
}{
	{imapproxy.SortDefault, "Arrival in folder"},
	{imapproxy.SortDate, "Date"},
	{imapproxy.SortArrival, "Received"},
	{imapproxy.SortFrom, "Sender"},
	{imapproxy.SortSubject, "Subject"},
	{imapproxy.SortSize, "Size"},
}

// orderParams reads ?sort= and ?order=. Text keys default to A to Z, the
// others to newest or largest first.
func orderParams(q url.Values) (imapproxy.Order, error) {
	key := imapproxy.SortKey(q.Get("sort"))
	known := false
	for _, k := range sortKeys {
		known = known || k.key == key
	}
	if !known {
		return imapproxy.Order{}, badRequest("That sort order is not known.")
	}
	o := imapproxy.Order{Key: key, Asc: key == imapproxy.SortFrom || key == imapproxy.SortSubject}
	switch q.Get("order") {
	case "":
	case "asc":
		o.Asc = true
	case "desc":
		o.Asc = false
	default:
		return imapproxy.Order{}, badRequest("That sort order is not known.")
	}
	return o, nil
}

// sortValues are the query parameters that keep order in links.
func sortValues(o imapproxy.Order) url.Values {
	v := url.Values{}
	if o == (imapproxy.Order{}) {
		return v
	}
	if o.Key != imapproxy.SortDefault {
		v.Set("sort", string(o.Key))
	}
	if o.Asc {
		v.Set("order", "asc")
	} else {
		v.Set("order", "desc")
	}
	return v
}

// sortControls is the sort form of a list at action, carrying hidden
// (the search terms) along.
func sortControls(action string, o imapproxy.Order, hidden url.Values) templates.SortControls {
	sc := templates.SortControls{Action: action}
	for _, k := range sortKeys {
		sc.Keys = append(sc.Keys, templates.Option{Value: string(k.key), Label: k.label, Selected: k.key == o.Key})
	}
	desc, asc := "Newest first", "Oldest first"
	switch o.Key {
	case imapproxy.SortFrom, imapproxy.SortSubject:
		desc, asc = "Z to A", "A to Z"
	case imapproxy.SortSize:
		desc, asc = "Largest first", "Smallest first"
	}
	sc.Orders = []templates.Option{{Value: "desc", Label: desc, Selected: !o.Asc}, {Value: "asc", Label: asc, Selected: o.Asc}}
	for k, vs := range hidden {
		for _, v := range vs {
			sc.Hidden = append(sc.Hidden, templates.Field{Name: k, Value: v})
		}
	}
	return sc
}
