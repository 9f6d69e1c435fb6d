from casting.app import main

main()
