"""The AWS JSON 1.1 protocol doors: Athena (``AmazonAthena.*``) and Glue (``AWSGlue.*``)."""
