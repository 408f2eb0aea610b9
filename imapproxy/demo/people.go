package demo

// The cast of the seed set. Staff of the Northwind Cooperative use
// example.org, partners and suppliers example.com, services and senders of
// bulk mail example.net (RFC 2606 reserved names only).
var (
	me = person{"Robin Demo", Address}

	alice   = person{"Alice Martin", "alice.martin@example.org"}     // general manager
	bob     = person{"Bob Okafor", "bob.okafor@example.org"}         // treasurer
	carol   = person{"Carol Nguyen", "carol.nguyen@example.org"}     // volunteer coordinator
	david   = person{"David Kowalski", "david.kowalski@example.org"} // facilities
	emilie  = person{"Émilie Dubois", "emilie.dubois@example.org"}   // events
	juergen = person{"Jürgen Müller", "juergen.mueller@example.org"} // purchasing
	priya   = person{"Priya Raman", "priya.raman@example.org"}       // board chair
	sam     = person{"Sam Lee", "sam.lee@example.org"}               // shop floor

	staffList     = person{"Northwind Staff", "staff@example.org"}
	boardList     = person{"Northwind Board", "board@example.org"}
	volunteerList = person{"Northwind Volunteers", "volunteers@example.org"}

	fernwood = person{"Fernwood Farm Orders", "orders@fernwood.example.com"}
	harbor   = person{"Harbor Print Co.", "hello@harborprint.example.com"}
	hanako   = person{"田中 花子", "hanako.tanaka@example.com"}
	olga     = person{"Ольга Смирнова", "olga.smirnova@example.com"}
	francois = person{"François Lefèvre", "f.lefevre@example.com"}
	mara     = person{"Mara Lindqvist", "mara@lindqvist-architects.example.com"}
	tom      = person{"Tom Becker", "tom.becker@example.com"}

	digest   = person{"Cooperative Digest", "digest@news.example.net"}
	calendar = person{"Calendar", "calendar-noreply@example.net"}
	docs     = person{"Shared Docs", "docs-noreply@example.net"}
	bank     = person{"Riverside Bank", "alerts@bank.example.net"}
	parcel   = person{"ParcelPost Tracking", "tracking@parcel.example.net"}
	ci       = person{"Build Bot", "ci@git.example.net"}
	forum    = person{"Co-op Forum", "notifications@community.example.net"}
)

// colleagues are the staff members bulk mail is drawn from.
var colleagues = []person{alice, bob, carol, david, emilie, juergen, priya, sam}
