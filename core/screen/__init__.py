"""The leadership big screen and the district map: the screen's figures in few SQL passes
(`bigscreen`), district boundaries drawn offline (`geo`), and wall-screen kiosk tokens (`kiosk`)."""
