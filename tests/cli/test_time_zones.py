"""The Cisco time zone table (fwplan catalog --time-zones) against the tz database of this
machine (issue 13, point 2): every IANA zone mapped to a Cisco name has that name's offset in
winter and summer, moves its clock in summer exactly when the name says so, and changes it in
the same months as the first zone of the name. Python's zoneinfo reads the system's tz data."""
import datetime
import unittest
import zoneinfo

from clitest import CliTest, fwplan

YEAR = 2025


def offsets(zone):
    """UTC offsets in minutes on the 15th of each month of YEAR."""
    tz = zoneinfo.ZoneInfo(zone)
    return [int(datetime.datetime(YEAR, m, 15, 12, tzinfo=tz).utcoffset().total_seconds() // 60)
            for m in range(1, 13)]


def change_months(values):
    """The months (1-12) whose offset differs from the month before."""
    return [m + 1 for m in range(1, 12) if values[m] != values[m - 1]]


@unittest.skipUnless(zoneinfo.available_timezones(), "this machine has no tz database")
class TimeZones(CliTest):
    def setUp(self):
        super().setUp()
        run = fwplan("--json", "catalog", "--time-zones")
        self.assertExit(run, 0)
        self.zones = run.json()["time_zones"]

    def test_every_mapped_zone_shows_the_clock_its_cisco_name_shows(self):
        known = zoneinfo.available_timezones()
        for zone in self.zones:
            standard = zone["utc_offset_minutes"]
            expected = {standard, standard + 60} if zone["daylight"] else {standard}
            first = None
            for iana in zone["iana"]:
                with self.subTest(cisco=zone["name"], iana=iana):
                    self.assertIn(iana, known | {"UTC", "GMT"})
                    values = offsets(iana)
                    self.assertEqual(set(values), expected)
                    if first is None:
                        first = change_months(values)
                    self.assertEqual(change_months(values), first)

    def test_the_names_and_the_german_example(self):
        names = {z["name"]: z for z in self.zones}
        self.assertEqual(len(names), len(self.zones))
        berlin = names["W. Europe Standard/Daylight Time"]
        self.assertIn("Europe/Berlin", berlin["iana"])
        self.assertEqual(berlin["legacy"], "CET")
        self.assertEqual(berlin["legacy_daylight"], "europe")


if __name__ == "__main__":
    unittest.main()
